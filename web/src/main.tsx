import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { ApiFailure } from "./api/client.ts";
import { Shell } from "./Shell.tsx";
import { AppScreen } from "./screens/AppScreen.tsx";
import { AppsScreen } from "./screens/AppsScreen.tsx";
import { ClusterScreen } from "./screens/ClusterScreen.tsx";
import { LogsScreen } from "./screens/LogsScreen.tsx";
import { NotFound } from "./screens/NotFound.tsx";
import { OverviewScreen } from "./screens/OverviewScreen.tsx";
import { SessionsScreen } from "./screens/SessionsScreen.tsx";
import { TeamScreen, TenantScreen } from "./screens/TeamScreen.tsx";
import { TokensScreen } from "./screens/TokensScreen.tsx";
import "./styles.css";

// Charts and session reports load when first opened: the first screen does not carry them.
const AnalyticsScreen = lazy(() => import("./screens/app/Analytics.tsx"));

const queries = new QueryClient({
  queryCache: new QueryCache(),
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a dropped connection may.
      retry: (count, error) => !(error instanceof ApiFailure && error.status < 500) && count < 2,
      staleTime: 5_000,
    },
  },
});

const router = createBrowserRouter([
  {
    path: "/",
    element: <Shell />,
    children: [
      { index: true, element: <OverviewScreen /> },
      { path: "apps", element: <AppsScreen /> },
      { path: "apps/:app", element: <AppScreen /> },
      {
        path: "apps/:app/analytics",
        element: (
          <Suspense fallback={<p role="status">Loading…</p>}>
            <AnalyticsScreen />
          </Suspense>
        ),
      },
      { path: "tokens", element: <TokensScreen /> },
      { path: "logs", element: <LogsScreen /> },
      { path: "team", element: <TeamScreen /> },
      { path: "team/:tenantId", element: <TenantScreen /> },
      { path: "cluster", element: <ClusterScreen /> },
      { path: "account/sessions", element: <SessionsScreen /> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
