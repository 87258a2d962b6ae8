import { useState, type ReactNode } from "react";
import { Link } from "react-router";

import { signUp } from "../api/bff";
import { EmailField, Field, FormEnd, PasswordField } from "../components/Field";
import { useForm } from "../components/useForm";
import { emailProblem, nameProblem, passwordProblem, validate } from "../validation";

export function SignUp(): ReactNode {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const form = useForm(
    () =>
      validate({ name: nameProblem(name), email: emailProblem(email), password: passwordProblem(password) }),
    () => signUp({ name: name.trim(), email: email.trim(), password }),
  );

  if (form.done) {
    return (
      <div className="narrow">
        <h1>Sign up</h1>
        <p role="status" className="success">
          Check your email: we sent a link to {email.trim()} to activate your account.
        </p>
        <p>
          Once activated, <Link to="/login">log in</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Sign up</h1>
      <form noValidate onSubmit={form.onSubmit}>
        <Field
          label="Name"
          name="name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={form.fieldErrors.name}
          required
        />
        <EmailField value={email} onValue={setEmail} error={form.fieldErrors.email} />
        <PasswordField
          label="Password"
          name="password"
          value={password}
          onValue={setPassword}
          error={form.fieldErrors.password}
          isNew
        />
        <FormEnd form={form} submit="Sign up" />
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
