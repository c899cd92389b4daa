/**
 * An execution's share of the write coordinator lets go of the execution's cancel signal once all
 * its pushes are answered: n8n's requests keep the signal alive after the run, and a listener left
 * on it held every push of the execution (about 1.4 KB per item after the run, measured by the bench).
 */
import { Participant, type QueuedPush } from '../../../../../../nodes/OzonSeller/actions/productImage/push/coordinator';
import type { OzonTransport } from '../../../../../../nodes/OzonSeller/transport';

it('stops listening to the cancel signal once every push is answered', async () => {
	const controller = new AbortController();
	const participant = new Participant({} as OzonTransport, controller.signal, () => new Error('cancelled'));
	participant.add({} as QueuedPush);
	const onCancel = jest.fn();
	participant.onCancel(onCancel);

	participant.settled();
	await participant.done;
	controller.abort();

	expect(onCancel).not.toHaveBeenCalled();
});

it('still hears a cancel while pushes are waiting', async () => {
	const controller = new AbortController();
	const participant = new Participant({} as OzonTransport, controller.signal, () => new Error('cancelled'));
	participant.add({} as QueuedPush);
	const onCancel = jest.fn();
	participant.onCancel(onCancel);

	controller.abort();

	expect(onCancel).toHaveBeenCalledTimes(1);
	await expect(participant.done).rejects.toThrow('cancelled');
});
