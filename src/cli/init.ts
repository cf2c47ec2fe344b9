export async function init(_argv: string[]): Promise<number> { return 2; }
