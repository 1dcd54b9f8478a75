// The dashboard's session token: in memory, and in sessionStorage so a reload
// keeps the user signed in. Not localStorage: the sample pages are served from
// this origin, and a token there would outlive the tab and be readable by them
// long after (README, "Players and the browser SDK").
const KEY = "streamhub.session";

type Listener = () => void;
let token: string | null = read();
const listeners = new Set<Listener>();

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function write(value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, value);
  } catch {
    // Storage off: memory only.
  }
}

export const session = {
  token: (): string | null => token,
  set(value: string): void {
    token = value;
    write(value);
    for (const listener of listeners) listener();
  },
  clear(): void {
    if (token === null) return;
    token = null;
    write(null);
    for (const listener of listeners) listener();
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
