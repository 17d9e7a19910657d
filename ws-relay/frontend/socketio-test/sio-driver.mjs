// Drives real socket.io-client 4.x sockets for SocketIoIT: commands as JSON lines on stdin, everything the
// sockets see as JSON lines on stdout. Commands:
//   {"cmd":"open","id":"a","url":"http://127.0.0.1:5000","transports":["websocket"],"subscribe":["AAPL"]}
//       ("upgrade":false keeps a default client on long-polling)
//       (subscribe is emitted on every connect, as the original design's frontend does)
//   {"cmd":"emit","id":"a","event":"subscribe","args":["AAPL"],"ack":true,"tag":"t1"}
//   {"cmd":"dropTransport","id":"a"}   the Engine.IO connection breaks; the client reconnects by itself
//   {"cmd":"disconnect","id":"a"} / {"cmd":"connect","id":"a"} / {"cmd":"exit"}
import { io } from 'socket.io-client';
import readline from 'node:readline';

const sockets = new Map();
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function open(c) {
  const opts = { reconnectionDelay: 200, reconnectionDelayMax: 1000, timeout: 20000 };
  if (c.transports) opts.transports = c.transports;
  if (c.upgrade === false) opts.upgrade = false;
  const socket = io(c.url, opts);
  sockets.set(c.id, socket);
  const engine = () => socket.io.engine;
  // registered when the Engine.IO connection opens: the upgrade may finish before the socket's connect
  socket.io.on('open', () => {
    out({ ev: 'open', id: c.id, transport: engine().transport.name });
    engine().once('upgrade', (t) => out({ ev: 'upgrade', id: c.id, transport: t.name }));
  });
  socket.on('connect', () => {
    out({ ev: 'connect', id: c.id, transport: engine()?.transport?.name });
    if (c.subscribe) socket.emit('subscribe', c.subscribe.length === 1 ? c.subscribe[0] : c.subscribe);
  });
  socket.on('disconnect', (reason) => out({ ev: 'disconnect', id: c.id, reason }));
  socket.on('connect_error', (err) => out({ ev: 'connect_error', id: c.id, message: String(err && err.message) }));
  socket.on('trade', (t) => out({
    ev: 'trade', id: c.id, symbol: t.symbol, n: t.trade_id,
    complete: t.symbol !== undefined && typeof t.price === 'number' && typeof t.size === 'number'
      && typeof t.timestamp === 'string',
    transport: engine()?.transport?.name,
  }));
  socket.on('bar', (b) => out({ ev: 'bar', id: c.id, symbol: b.symbol, timeframe: b.timeframe, close: b.close }));
  socket.on('subscribed', (s) => out({ ev: 'subscribed', id: c.id, symbols: s.symbols }));
  socket.on('error', (e) => out({ ev: 'error', id: c.id, code: e && e.code, message: e && e.message }));
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let c;
  try {
    c = JSON.parse(line);
  } catch (e) {
    out({ ev: 'driver_error', message: 'bad command: ' + line });
    return;
  }
  const socket = sockets.get(c.id);
  switch (c.cmd) {
    case 'open': open(c); break;
    case 'emit':
      if (c.ack) socket.emit(c.event, ...(c.args || []), (reply) => out({ ev: 'ack', id: c.id, tag: c.tag, reply }));
      else socket.emit(c.event, ...(c.args || []));
      break;
    case 'dropTransport': socket.io.engine.close(); break;
    case 'disconnect': socket.disconnect(); break;
    case 'connect': socket.connect(); break;
    case 'exit':
      for (const s of sockets.values()) s.disconnect();
      out({ ev: 'bye' });
      setTimeout(() => process.exit(0), 100);
      break;
    default: out({ ev: 'driver_error', message: 'unknown command ' + c.cmd });
  }
});
rl.on('close', () => process.exit(0));
out({ ev: 'ready' });
