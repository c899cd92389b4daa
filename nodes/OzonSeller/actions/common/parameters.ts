import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * Reads node parameters for many items, evaluating a parameter per item only when it holds an
 * expression. A static value is the same for every item; resolving it 10,000 times costs seconds
 * of CPU and hundreds of megabytes of short-lived garbage in n8n's expression engine.
 */
export class ItemParameters {
	private readonly constants = new Map<string, unknown>();

	constructor(private readonly ctx: IExecuteFunctions) {}

	get(name: string, index: number, fallback?: NodeParameterValueType): unknown {
		if (this.constants.has(name)) return this.constants.get(name);
		const raw = (this.ctx.getNode().parameters as Record<string, unknown>)[name];
		const value = this.ctx.getNodeParameter(name, index, fallback);
		if (!holdsExpression(raw)) this.constants.set(name, value);
		return value;
	}
}
