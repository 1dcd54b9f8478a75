import { createServer } from "node:net";

/** A TCP port nothing listens on at 127.0.0.1, from the system (for servers started on loopback by builds and tests). */
export const freePort = async () => {
  const reserved = await reservePort();
  await reserved.release();
  return reserved.port;
};

/**
 * A free TCP port on 127.0.0.1, kept bound until `release()`: while it is held
 * the system hands it to no one else (a connection's source port, another
 * server asking for any port), so a port that must be known long before its
 * server starts (written into another server's settings) is not taken meanwhile.
 */
export const reservePort = () =>
  new Promise<{ port: number; release: () => Promise<void> }>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (typeof address !== "object" || !address) return reject(new Error("no port"));
      resolve({ port: address.port, release: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
