import { z } from 'zod';

/** Ends a zod transform: reports `message` as the value's issue. */
export function refuse(ctx: z.RefinementCtx, message: string): never {
	ctx.addIssue({ code: z.ZodIssueCode.custom, message });
	return z.NEVER;
}
