import { newApp } from "../../../lib/app.ts";
import { registerAuthLogin } from "./login.ts";
import { registerAuthLogout } from "./logout.ts";
import { registerAuthMe } from "./me.ts";
import { registerAuthSessions } from "./sessions.ts";

/** /api/v1/auth: dashboard login and sessions. */
export const authApi = newApp();
registerAuthLogin(authApi);
registerAuthMe(authApi);
registerAuthSessions(authApi);
registerAuthLogout(authApi);
