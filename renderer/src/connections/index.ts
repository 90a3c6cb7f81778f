export { ConnectionsScreen, isConnectionsRoute } from './ConnectionsScreen';
