import { newApp } from "../../../lib/app.ts";
import { registerAuthLogin } from "./login.ts";
import { registerAuthLogout } from "./logout.ts";
import { registerAuthMe } from "./me.ts";
import { registerAuthPassword } from "./password.ts";
import { registerAuthSessions } from "./sessions.ts";

/** /api/v1/auth: dashboard login, sessions and one's own password. */
export const authApi = newApp();
registerAuthLogin(authApi);
registerAuthMe(authApi);
registerAuthSessions(authApi);
registerAuthPassword(authApi);
registerAuthLogout(authApi);
