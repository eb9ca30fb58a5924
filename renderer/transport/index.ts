export { RpcError, fieldIssues, type FieldIssue } from './rpc-error';
export { call, subscribe, createDefaultTransport, createHttpTransport, createIpcTransport, type Transport } from './transport';
