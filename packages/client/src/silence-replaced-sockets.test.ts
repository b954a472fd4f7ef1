import { describe, expect, it } from 'vitest';
import { silenceReplacedSockets } from './silence-replaced-sockets.ts';

/** The part of a WebSocket that matters here: events, and a close the client or the peer makes. */
class FakeSocket extends EventTarget {
  closedByClient = false;
  close() {
    this.closedByClient = true;
  }
  emit(type: string) {
    this.dispatchEvent(new Event(type));
  }
}

function listen(socket: FakeSocket) {
  const heard: string[] = [];
  for (const type of ['open', 'message', 'close', 'error'])
    socket.addEventListener(type, () => heard.push(type));
  return heard;
}

describe('silenceReplacedSockets', () => {
  it('silences a socket the client closed once a newer one exists, and only then', () => {
    const Socket = silenceReplacedSockets(FakeSocket);
    const first = new Socket();
    const heard = listen(first);
    first.emit('message');
    first.close();
    // Closed, not yet replaced: still heard (a keep-alive close must still be noticed).
    first.emit('message');
    const second = new Socket();
    const heardSecond = listen(second);
    for (const type of ['message', 'close', 'error']) first.emit(type);
    second.emit('message');
    expect(heard).toEqual(['message', 'message']);
    expect(heardSecond).toEqual(['message']);
  });

  it('keeps hearing a replaced socket that the peer or the network closed', () => {
    const Socket = silenceReplacedSockets(FakeSocket);
    const dropped = new Socket();
    const heard = listen(dropped);
    new Socket();
    dropped.emit('close');
    expect(heard).toEqual(['close']);
  });

  it('removes the listeners it was given, and keeps classes apart', () => {
    const Socket = silenceReplacedSockets(FakeSocket);
    const Other = silenceReplacedSockets(FakeSocket);
    const socket = new Socket();
    const heard: string[] = [];
    const onMessage = () => heard.push('message');
    socket.addEventListener('message', onMessage);
    socket.close();
    new Other();
    socket.emit('message');
    socket.removeEventListener('message', onMessage);
    socket.emit('message');
    expect(heard).toEqual(['message']);
  });
});
