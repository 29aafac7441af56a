// Password change, sign out everywhere, and deleting the account (with the
// password, after typing the username).

import { h, heading } from "../dom.js";
import { api, startSession, endSession } from "../api.js";
import { form } from "../form.js";

export async function view({ claims, navigate }) {
  return h("section", {},
    heading("Account"),
    h("h2", {}, "Change the password"),
    h("p", {}, "Every other session and token of yours stops working; API keys keep working."),
    form({
      id: "password",
      submit: "Change the password",
      busy: "Changing…",
      fields: [
        { name: "current_password", label: "Current password", type: "password", required: true, autocomplete: "current-password" },
        { name: "new_password", label: "New password", type: "password", required: true, autocomplete: "new-password",
          help: "8 to 128 characters." },
      ],
      onSubmit: async (v) => {
        startSession(await api("POST", "/v1/auth/password", v));
        return "Password changed.";
      },
    }),
    h("h2", {}, "Sign out everywhere"),
    h("p", {}, "Ends every session of yours, on every device, this one too."),
    form({
      id: "logout-all",
      submit: "Sign out everywhere",
      busy: "Signing out…",
      fields: [],
      onSubmit: async () => {
        await api("POST", "/v1/auth/logout");
        endSession();
        navigate("/app/signin");
      },
    }),
    h("h2", {}, "Delete the account"),
    h("p", {}, "Deletes the account and everything it owns: profile, sections, keys, analytics, transcripts. "
      + "Download an export first if you want a copy. This cannot be undone."),
    form({
      id: "delete-account",
      submit: "Delete my account",
      busy: "Deleting…",
      fields: [
        { name: "confirm", label: `Type your username (${claims.username}) to confirm`, required: true },
        { name: "password", label: "Password", type: "password", required: true, autocomplete: "current-password" },
      ],
      onSubmit: async (v) => {
        if (v.confirm !== claims.username) {
          const err = new Error("The username does not match");
          err.problem = { detail: "The username does not match", errors: [{ field: "confirm", message: "type your username exactly" }] };
          throw err;
        }
        await api("DELETE", "/v1/me/account", { password: v.password });
        endSession();
        navigate("/app/signup");
      },
    }));
}
