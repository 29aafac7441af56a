// The one way the dashboard talks to the server: the public /v1 API with the
// JWT kept in sessionStorage (gone when the tab closes), refreshed before it
// expires. A 401 ends the session and hands control to the router, which
// shows the sign-in screen and comes back to where the owner was.

const KEY = "restume.session";
let refreshTimer = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function token() {
  const s = load();
  return s && s.expires_at > Date.now() ? s.token : null;
}

// The claims of the current JWT (username, adm); the server checks them, the
// dashboard only uses them to choose what to show.
export function claims() {
  const t = token();
  if (!t) return null;
  try {
    const part = t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

export function whenSignedOut(fn) {
  onSignedOut = fn;
}

export function startSession(answer) {
  const expires_at = Date.now() + answer.expires_in * 1000;
  sessionStorage.setItem(KEY, JSON.stringify({ token: answer.access_token, expires_at }));
  scheduleRefresh();
}

export function endSession() {
  sessionStorage.removeItem(KEY);
  clearTimeout(refreshTimer);
}

// A fresh token a minute before this one ends (halfway, for short ones).
export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const s = load();
  if (!s) return;
  const left = s.expires_at - Date.now();
  const wait = Math.max(0, left > 120_000 ? left - 60_000 : left / 2);
  refreshTimer = setTimeout(async () => {
    try {
      startSession(await api("POST", "/v1/auth/refresh"));
    } catch {
      // a 401 here already ended the session; anything else is tried on the next call
    }
  }, wait);
}

function retryAfter(res) {
  const v = Number(res.headers.get("Retry-After"));
  return Number.isFinite(v) && v > 0 ? v : null;
}

// Calls the API. `body` is sent as JSON, or as is when `type` is given.
// Answers the parsed JSON (null for 204), or the Response when `raw`.
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: "application/json" };
  const t = token();
  if (t && !opts.anonymous) headers.Authorization = `Bearer ${t}`;
  let data;
  if (body !== undefined && body !== null) {
    if (opts.type) {
      headers["Content-Type"] = opts.type;
      data = body;
    } else {
      headers["Content-Type"] = "application/json";
      data = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: data, credentials: "omit", cache: "no-store" });
  } catch {
    throw new ApiError(0, { detail: "The server could not be reached. Check the connection and try again." });
  }
  if (res.ok) {
    if (opts.raw) return res;
    if (res.status === 204) return null;
    const type = res.headers.get("Content-Type") || "";
    return type.includes("json") ? res.json() : res.text();
  }
  let problem = {};
  try {
    problem = await res.json();
  } catch {
    problem = { detail: `The server answered ${res.status}` };
  }
  problem.retry_after = retryAfter(res);
  if (res.status === 401 && t && !opts.anonymous) {
    endSession();
    onSignedOut(problem);
  }
  throw new ApiError(res.status, problem);
}

// Downloads an answer as a file (export, insights CSV) with the JWT attached.
export async function download(path, fallbackName) {
  const res = await api("GET", path, undefined, { raw: true });
  const cd = res.headers.get("Content-Disposition") || "";
  const m = cd.match(/filename="?([^";]+)"?/);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = m ? m[1] : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return a.download;
}
