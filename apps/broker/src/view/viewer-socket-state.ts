/** What `ws.data.viewer` holds for a `/view/ws` socket. */
export interface ViewerSocketState {
  /** The first frame carried the operator token. */
  authenticated: boolean;
  /** Has been sent a snapshot: from now on it gets diffs. */
  synced: boolean;
  /** Closes the socket if it has not authenticated in time; cleared on auth or close. */
  authTimer: ReturnType<typeof setTimeout> | undefined;
}

/** A socket just upgraded on `/view/ws`. */
export function newViewerSocketState(): ViewerSocketState {
  return { authenticated: false, synced: false, authTimer: undefined };
}
