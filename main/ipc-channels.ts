/** The only IPC channels: one for calls, one for events (issue 9: only the contract's channels). */
export const CALL_CHANNEL = 'custos:call';
export const EVENT_CHANNEL = 'custos:event';
export const MAX_IPC_PAYLOAD_BYTES = 1024 * 1024;
/** Host features answered by the Electron main process itself (not the core): `custos.call(HOST_PICK_FOLDER, {})`. */
export const HOST_PICK_FOLDER = 'host.pickFolder';
