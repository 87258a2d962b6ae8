/** A form's submit: client checks first, then the call; field errors from either side. */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";

import { ApiError, errorMessage } from "../api/errors";
import type { FieldErrors } from "../validation";

export interface FormState<R> {
  fieldErrors: FieldErrors;
  formError: string | null;
  /** The last call's error, for a screen that acts on its code. */
  error: unknown;
  pending: boolean;
  done: boolean;
  result: R | undefined;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  reset: () => void;
}

/**
 * `check` answers the client-side problems (none: {}); `send` makes the call. A server
 * error naming fields is shown next to them, any other as the form's message.
 */
export function useForm<R>(
  check: () => FieldErrors,
  send: () => Promise<R>,
  onSuccess?: (result: R) => void,
): FormState<R> {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formElement = useRef<HTMLFormElement | null>(null);
  // After a refused submit, focus goes to the first field to correct (its message is read with it).
  useEffect(() => {
    formElement.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [fieldErrors]);
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: (result) => onSuccess?.(result),
    onError: (error) => {
      const fields = error instanceof ApiError ? error.fieldErrors() : {};
      setFieldErrors(fields);
      // The envelope's message says what went wrong overall, unless a field already says it.
      const message = errorMessage(error);
      setFormError(Object.values(fields).includes(message) ? null : message);
    },
  });
  return {
    fieldErrors,
    formError,
    error: mutation.error,
    pending: mutation.isPending,
    done: mutation.isSuccess,
    result: mutation.data,
    onSubmit(event) {
      event.preventDefault();
      formElement.current = event.currentTarget;
      const problems = check();
      setFieldErrors(problems);
      setFormError(null);
      if (Object.keys(problems).length === 0) mutation.mutate();
    },
    reset() {
      setFieldErrors({});
      setFormError(null);
      mutation.reset();
    },
  };
}
