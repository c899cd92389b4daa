import nock from 'nock';
import { runWorkflow, ozonWorkflow } from './helpers/n8nEngine';
import { credentials, mockInfoList, mockImportV2, mockImportInfo, mockPicturesInfo, product } from './helpers/ozonMock';
import { polling } from '../nodes/OzonSeller/actions/productImage/push.operation';

test('smoke', async () => {
	polling.firstDelayMs = 1;
	nock.disableNetConnect();
	mockInfoList([product(1)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo(() => ({ photo: ['https://cdn/1.jpg'] }));
	const result = await runWorkflow(
		ozonWorkflow([{ sku: 'SKU-001', urls: 'https://a.example/1.jpg, https://a.example/2.jpg' }], {
			resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.sku }}', images: '={{ $json.urls }}',
		}),
		credentials,
	);
	console.log(result.error, JSON.stringify(result.output('Ozon Seller'), null, 1), JSON.stringify(imports));
});
