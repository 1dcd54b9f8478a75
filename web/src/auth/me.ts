import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { api, unwrap } from "../api/client.ts";
import { session } from "./session.ts";

/** The session token, re-rendering when it is set or cleared. */
export const useToken = () => useSyncExternalStore(session.subscribe, session.token);

/** Who the signed-in caller is (GET /auth/me), for the whole shell. */
export function useMe() {
  const token = useToken();
  return useQuery({
    queryKey: ["me", token],
    queryFn: () => unwrap(api.GET("/api/v1/auth/me")),
    enabled: token !== null,
    staleTime: 60_000,
  });
}
