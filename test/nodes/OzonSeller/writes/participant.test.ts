/**
 * An execution's share of the write coordinator lets go of the execution's cancel signal once all
 * its pushes are answered: n8n's requests keep the signal alive after the run, and a listener left
 * on it held every push of the execution (about 1.4 KB per item after the run, measured by the bench).
 */
import { Participant, type Push } from '../../../../nodes/OzonSeller/writes/participant';
import type { OzonTransport } from '../../../../nodes/OzonSeller/transport';

it('stops listening to the cancel signal once every push is answered', async () => {
	const controller = new AbortController();
	const participant = new Participant({} as OzonTransport, controller.signal, () => new Error('cancelled'));
	participant.add({} as Push);
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
	participant.add({} as Push);
	const onCancel = jest.fn();
	participant.onCancel(onCancel);

	controller.abort();

	expect(onCancel).toHaveBeenCalledTimes(1);
	await expect(participant.done).rejects.toThrow('cancelled');
});

it('handing pushes in turns: not done while more are to come, though every push so far is answered; done once the last is handed in and answered', async () => {
	const participant = new Participant({} as OzonTransport, undefined, () => new Error('cancelled'));
	let done = false;
	void participant.done.then(() => (done = true));
	participant.handInMore();
	participant.add({} as Push);
	participant.settled();
	await Promise.resolve();
	expect(done).toBe(false);

	participant.add({} as Push);
	participant.handedIn();
	await Promise.resolve();
	expect(done).toBe(false);
	participant.settled();
	await participant.done;
	expect(done).toBe(true);
});

it('the time to hand in more: once every flight carrying its pushes has sent its imports', async () => {
	const participant = new Participant({} as OzonTransport, undefined, () => new Error('cancelled'));
	expect(participant.allSent).toBe(true);
	participant.flightSending();
	participant.flightSending();
	let sent = false;
	void participant.whenAllSent().then(() => (sent = true));
	participant.flightSent();
	await Promise.resolve();
	expect([participant.allSent, sent]).toEqual([false, false]);
	participant.flightSent();
	await Promise.resolve();
	expect([participant.allSent, sent]).toEqual([true, true]);
});

it('a wait for the flights to send ends when the execution is abandoned (cancelled, or its flight failed)', async () => {
	const participant = new Participant({} as OzonTransport, undefined, () => new Error('cancelled'));
	participant.flightSending();
	const waiting = participant.whenAllSent();
	participant.abandon(new Error('flight failed'));
	await expect(waiting).resolves.toBeUndefined();
	await expect(participant.done).rejects.toThrow('flight failed');
});
