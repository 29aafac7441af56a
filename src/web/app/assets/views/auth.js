// Sign in (username or email), sign up, and setting a password with a
// one-time token from an admin.

import { h, heading } from "../dom.js";
import { api, startSession } from "../api.js";
import { form } from "../form.js";

const PASSWORD_HELP = "8 to 128 characters; every character counts.";

export async function signin({ after }) {
  const interrupted = sessionStorage.getItem("restume.next");
  return h("section", { class: "narrow" },
    heading("Sign in"),
    interrupted ? h("p", { class: "status" }, "Sign in to go on where you were.") : null,
    form({
      id: "signin", noDraft: true,
      submit: "Sign in",
      busy: "Signing in…",
      fields: [
        { name: "username", label: "Username or email", required: true, autocomplete: "username" },
        { name: "password", label: "Password", type: "password", required: true, autocomplete: "current-password" },
      ],
      onSubmit: async (v) => {
        startSession(await api("POST", "/v1/auth/login", v, { anonymous: true }));
        after();
      },
    }),
    h("p", {}, "No account yet? ", h("a", { href: "/app/signup" }, "Sign up")),
    h("p", {}, "Have a reset token from an admin? ", h("a", { href: "/app/reset" }, "Set a new password")));
}

export async function signup({ after }) {
  return h("section", { class: "narrow" },
    heading("Create your account"),
    form({
      id: "signup", noDraft: true,
      submit: "Sign up",
      busy: "Creating the account…",
      fields: [
        { name: "username", label: "Username", required: true, max: 50, autocomplete: "username",
          help: "3 to 50 letters, digits, - or _; your page will be /u/username." },
        { name: "email", label: "Email", type: "email", required: true, autocomplete: "email" },
        { name: "full_name", label: "Full name", required: true, max: 200, autocomplete: "name" },
        { name: "password", label: "Password", type: "password", required: true, autocomplete: "new-password", help: PASSWORD_HELP },
      ],
      onSubmit: async (v) => {
        await api("POST", "/v1/auth/register", v, { anonymous: true });
        startSession(await api("POST", "/v1/auth/login", { username: v.username, password: v.password }, { anonymous: true }));
        after();
      },
    }),
    h("p", {}, "Already have an account? ", h("a", { href: "/app/signin" }, "Sign in")));
}

export async function reset({ navigate }) {
  return h("section", { class: "narrow" },
    heading("Set a new password"),
    h("p", {}, "An administrator can give you a one-time token, valid for an hour."),
    form({
      id: "reset", noDraft: true,
      submit: "Set the password",
      fields: [
        { name: "token", label: "Reset token", required: true },
        { name: "new_password", label: "New password", type: "password", required: true, autocomplete: "new-password", help: PASSWORD_HELP },
      ],
      onSubmit: async (v) => {
        await api("POST", "/v1/auth/password/reset", v, { anonymous: true });
        navigate("/app/signin");
      },
    }));
}
