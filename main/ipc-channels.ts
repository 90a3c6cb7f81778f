/**
 * The only IPC channels (issue 9: only the contract's channels): one for calls, one
 * for events, and one for the desktop-only database connections screen (issue 8),
 * which the main process answers itself and accepts only from that screen's window.
 */
export const CALL_CHANNEL = 'custos:call';
export const EVENT_CHANNEL = 'custos:event';
export const CONNECTIONS_CHANNEL = 'custos:connections';
export const MAX_IPC_PAYLOAD_BYTES = 1024 * 1024;
/** Host features answered by the Electron main process itself (not the core): `custos.call(HOST_PICK_FOLDER, {})`. */
export const HOST_PICK_FOLDER = 'host.pickFolder';
