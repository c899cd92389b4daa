/** The value of a result that is either a value or the Error saying why there is none: the test fails on the Error. */
export function valueOf<T>(result: T | Error): T {
	if (result instanceof Error) throw new Error(`expected a value, got: ${result.message}`);
	return result;
}
