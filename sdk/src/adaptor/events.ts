// Where every event and error of an adaptor goes: the constructor's callback
// and callbackError, and listeners added later — for every event (Ant Media's
// `addEventListener(fn)`, fn(info, obj)) or for one name
// (`addEventListener("play_finished", fn)`, fn(obj, info)). A listener that
// throws is logged and does not keep the others, or the adaptor, from running.
import type { AdaptorError, AdaptorErrorDetail } from "./errors.ts";
import type { AntMediaCallback, AntMediaErrorCallback, NamedListener } from "./types.ts";

export class EventHub {
  private readonly callback: AntMediaCallback | undefined;
  private readonly callbackError: AntMediaErrorCallback | undefined;
  private readonly debug: boolean;
  private readonly everyEvent = new Set<AntMediaCallback>();
  private readonly byName = new Map<string, Set<NamedListener>>();
  private readonly errorListeners = new Set<AntMediaErrorCallback>();

  constructor(options: { callback?: AntMediaCallback; callbackError?: AntMediaErrorCallback; debug?: boolean }) {
    this.callback = options.callback;
    this.callbackError = options.callbackError;
    this.debug = options.debug ?? false;
  }

  addEventListener(nameOrListener: string | AntMediaCallback, listener?: NamedListener): void {
    if (typeof nameOrListener === "function") {
      this.everyEvent.add(nameOrListener);
      return;
    }
    if (!listener) return;
    let listeners = this.byName.get(nameOrListener);
    if (!listeners) this.byName.set(nameOrListener, (listeners = new Set()));
    listeners.add(listener);
  }

  removeEventListener(nameOrListener: string | AntMediaCallback, listener?: NamedListener): void {
    if (typeof nameOrListener === "function") this.everyEvent.delete(nameOrListener);
    else if (listener) this.byName.get(nameOrListener)?.delete(listener);
  }

  addErrorEventListener(listener: AntMediaErrorCallback): void {
    this.errorListeners.add(listener);
  }

  removeErrorEventListener(listener: AntMediaErrorCallback): void {
    this.errorListeners.delete(listener);
  }

  emit(info: string, obj?: unknown): void {
    if (this.debug) console.log("[streamhub-adaptor]", info, obj);
    for (const listener of [...this.everyEvent]) this.guard(() => listener(info, obj));
    for (const listener of [...(this.byName.get(info) ?? [])]) this.guard(() => listener(obj, info));
    if (this.callback) this.guard(() => this.callback!(info, obj));
  }

  error(error: AdaptorError, operation: string): void {
    const detail: AdaptorErrorDetail = { operation, ...error.detail };
    if (this.debug) console.warn("[streamhub-adaptor]", error.code, error.message, detail);
    for (const listener of [...this.errorListeners]) this.guard(() => listener(error.code, error.message, detail));
    if (this.callbackError) this.guard(() => this.callbackError!(error.code, error.message, detail));
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (thrown) {
      console.error("[streamhub-adaptor] a callback threw:", thrown);
    }
  }
}
