// A TCP proxy on loopback between a tablet's browser and the setting's server that cuts a
// connection at a chosen byte offset once a chosen request starts on it: the Wi-Fi dropping
// mid-sync, at the worst moment, on purpose. Armed for one request kind at a time; the offset
// counts the bytes both ways from the start of the chunk that carries the request line.
import net from "node:net";

const KINDS = {
  push: /POST \/api\/sync\/push /,
  upload: /PUT \/api\/photos\/[0-9a-f]{64}/,
  pull: /GET \/api\/sync\/pull/,
};

export async function startCutter(target) {
  const { hostname, port } = new URL(target);
  const state = { armed: null, cuts: [], sockets: new Set() };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    state.sockets.add(client);
    state.sockets.add(upstream);
    let remaining = null; // bytes left before the cut, once armed on this connection
    let kind = null;
    let armedOffset = 0;
    const cut = () => {
      if (process.env.BURROW_CUTS_LOG) console.log(`  CUT ${kind}`);
      state.cuts.push(kind);
      client.resetAndDestroy?.() ?? client.destroy();
      upstream.destroy();
    };
    const relay = (from, to, fromClient) =>
      from.on("data", (chunk) => {
        if (fromClient && process.env.BURROW_CUTS_LOG) {
          const line = chunk.toString("latin1").match(/^(GET|POST|PUT) \S+/m);
          if (line) console.log(`  > ${line[0].slice(0, 60)}`);
        }
        // Cuts land in the exchange that was armed: a next request on the same connection
        // (the answer came back whole before the offset) arms the cutter again, halfway in.
        if (fromClient && remaining !== null && /^(GET|POST|PUT|DELETE) /.test(chunk.toString("latin1", 0, 8))) {
          state.armed ??= { kind, offset: Math.floor(armedOffset / 2), pattern: KINDS[kind] };
          remaining = null;
        }
        if (fromClient && remaining === null && state.armed && state.armed.pattern.test(chunk.toString("latin1"))) {
          remaining = state.armed.offset;
          armedOffset = state.armed.offset;
          kind = state.armed.kind;
          state.armed = null;
        }
        if (remaining !== null) {
          if (chunk.length >= remaining) {
            if (remaining > 0) to.write(chunk.subarray(0, remaining));
            cut();
            return;
          }
          remaining -= chunk.length;
        }
        to.write(chunk);
      });
    relay(client, upstream, true);
    relay(upstream, client, false);
    const end = () => {
      client.destroy();
      upstream.destroy();
      state.sockets.delete(client);
      state.sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    // Cuts the next `kind` request's connection `offset` bytes in.
    arm(kind, offset) {
      state.armed = { kind, offset, pattern: KINDS[kind] };
    },
    disarm() {
      state.armed = null;
    },
    get armed() {
      return state.armed !== null;
    },
    // Which kind the next cut waits for: a connection whose exchange ended before its cut arms
    // its own kind again, which may not be the kind the test now wants.
    get armedKind() {
      return state.armed?.kind ?? null;
    },
    cuts: state.cuts,
    async stop() {
      for (const s of state.sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
