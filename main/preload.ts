/**
 * The preload exposes `custos.call(op, input)` and `custos.on(event, fn)`, plus
 * `custos.connections(request)` for the desktop-only database connections screen
 * (issue 8), which the main process accepts only from that screen's own window.
 * No ipcRenderer, no Node: a compromised renderer can only make contract calls,
 * which the dispatcher checks.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_CHANNEL, CONNECTIONS_CHANNEL, EVENT_CHANNEL } from './ipc-channels';

contextBridge.exposeInMainWorld('custos', {
  call: (op: string, input: unknown) => ipcRenderer.invoke(CALL_CHANNEL, String(op), input),
  on: (event: string, fn: (payload: unknown) => void) => {
    if (event !== 'event') return () => {};
    const listener = (_e: IpcRendererEvent, payload: unknown) => fn(payload);
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, listener);
  },
  connections: (request: unknown) => ipcRenderer.invoke(CONNECTIONS_CHANNEL, request),
});
