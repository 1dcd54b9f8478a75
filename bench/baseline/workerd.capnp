# The baseline Worker (bench/baseline/worker.ts) under the same workerd binary
# and the same kind of configuration as selfhost/workerd.capnp: actors with
# SQLite on local disk. bench/index.ts bundles the Worker to
# dist/bench/baseline.js and fills in the socket and the (absolute) state path:
#
#   workerd serve bench/baseline/workerd.capnp \
#     --socket-addr http=127.0.0.1:<port> --directory-path state=/abs/tmp/dir

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .baseline),
    (name = "state", disk = (path = "state", writable = true)),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:3030", http = (), service = "main"),
  ],
  # The same V8 flags as selfhost/workerd.capnp: the same runtime, settings included.
  v8Flags = ["--max-semi-space-size=8", "--heap-growing-percent=500"],
);

const baseline :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "../../dist/bench/baseline.js"),
  ],
  # The same date and flags as selfhost/workerd.capnp.
  compatibilityDate = "2026-11-01",
  compatibilityFlags = ["no_nodejs_compat", "no_nodejs_compat_v2"],
  bindings = [
    (name = "WRITER", durableObjectNamespace = "Writer"),
  ],
  durableObjectNamespaces = [
    (className = "Writer", uniqueKey = "streamhub-bench-writer", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "state"),
);
