export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionFacts {
  /** The browser says the network is up. */
  networkUp: boolean;
  /** The WebSocket is open (or the event stream fell back to Server-Sent Events, over HTTP). */
  socketOpen: boolean;
  /** The event stream replayed what was missed and is live. */
  ready: boolean;
  /** It has been online before (a drop is "reconnecting", not "connecting"). */
  everOnline: boolean;
}

/** The one word the UI shows for the connection. */
export function connectionState(f: ConnectionFacts): ConnectionState {
  if (!f.networkUp) return 'offline';
  if (f.ready && f.socketOpen) return 'online';
  return f.everOnline ? 'reconnecting' : 'connecting';
}
