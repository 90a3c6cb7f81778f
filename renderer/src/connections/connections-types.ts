/**
 * What the desktop app's main process answers on the connections channel
 * (main/connections.host.ts). A host feature, not a contract operation, so the
 * shape is written here again rather than imported from main/ (the renderer
 * imports only the contract's types).
 */
export type ConnectionPurpose = 'control-plane' | 'tenant-databases';
export type TlsMode = 'off' | 'encrypt-only' | 'verify-ca' | 'verify-full';

export interface Problem {
  code: string;
  message: string;
  hint?: string;
}

export interface StoredFacts {
  ok: true;
  host: string;
  port: number;
  database: string | null;
  user: string | null;
  tls: TlsMode;
}

export interface ConnectionView {
  variable: string;
  purpose: ConnectionPurpose | null;
  stored: StoredFacts | { ok: false; message: string; hint?: string } | null;
  environmentSet: boolean;
  atStart: 'keychain' | 'environment' | 'none';
  changedSinceStart: boolean;
}

export interface ConnectionsStatus {
  mode: 'running' | 'recovery';
  backend: { name: string; label: string };
  canStore: boolean;
  refusal: Problem | null;
  storeProblem: Problem | null;
  configProblem: Problem | null;
  connections: ConnectionView[];
}

export interface SaveResult {
  saved: boolean;
  restarting: boolean;
}
