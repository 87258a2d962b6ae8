/** A one-time link's action (activate, confirm an email): sent once when the page opens. */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router";

export function useTokenAction(action: (token: string) => Promise<void>) {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const mutation = useMutation({ mutationFn: action });
  // A token works once: a second call (React's development double effect) would fail.
  const sent = useRef(false);
  useEffect(() => {
    if (token && !sent.current) {
      sent.current = true;
      mutation.mutate(token);
    }
  }, [token, mutation]);
  return { token, ...mutation };
}
