export { StaffPage } from './StaffPage';
export { AccountMenu } from './AccountMenu';
export { SessionProvider, useSession, type SessionInfo } from './session-context';
export { isAdmin, canBrowseRecords, roleLabel } from './staff-roles';
