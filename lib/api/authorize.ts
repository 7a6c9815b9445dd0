// The single place where dashboard APIs check who is asking. Access control is a later issue
// (accounts and sessions); until then every caller may read, and this is where the check goes.
export async function requireViewer(_request: Request): Promise<void> {}
