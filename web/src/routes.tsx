/**
 * Every page and its URL. The organization, project and environment live in the path.
 *
 * Each page, and the signed-in frame around them (Layout), loads on demand (React.lazy), so the
 * first load holds only React, the router, the query client, Mantine's core and these routes:
 * the sign-in page does not wait for the frame, charts (recharts) or the rule builder.
 */
import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { RequireSession } from './auth/session';
import { LiveFeed } from './live/LiveProvider';
import { OrgHome, ProjectHome, RequestRedirect, RootRedirect } from './pages/Redirects';

/** The frame's code, fetched at once when a session exists (see `preloadLayout`), else when needed. */
const loadLayout = () => import('./components/layout/Layout');
const Layout = lazy(() => loadLayout().then((m) => ({ default: m.Layout })));

/**
 * Starts fetching the signed-in frame now, beside whatever page the URL names, so that a signed-in
 * first visit does not fetch the two one after the other. Called at startup with a session.
 */
export function preloadLayout(): void {
  void loadLayout().catch(() => {
    // the lazy import tries again, and shows its own error, when the frame is rendered
  });
}

const SignIn = lazy(() => import('./pages/auth/SignIn'));
const SignUp = lazy(() => import('./pages/auth/SignUp'));
const AcceptInvitation = lazy(() => import('./pages/auth/AcceptInvitation'));
const ForgotPassword = lazy(() => import('./pages/auth/ForgotPassword'));
const ResetPassword = lazy(() => import('./pages/auth/ResetPassword'));
const VerifyEmail = lazy(() => import('./pages/auth/VerifyEmail'));
const SsoSignIn = lazy(() => import('./pages/auth/SsoSignIn'));
const SsoComplete = lazy(() => import('./pages/auth/SsoComplete'));
const Projects = lazy(() => import('./pages/org/Projects'));
const Members = lazy(() => import('./pages/org/Members'));
const Tokens = lazy(() => import('./pages/org/Tokens'));
const AuditLog = lazy(() => import('./pages/org/AuditLog'));
const Webhooks = lazy(() => import('./pages/org/Webhooks'));
const WebhookPage = lazy(() => import('./pages/org/WebhookPage'));
const Flags = lazy(() => import('./pages/flags/FlagsList'));
const FlagPage = lazy(() => import('./pages/flags/FlagPage'));
const Segments = lazy(() => import('./pages/project/Segments'));
const Environments = lazy(() => import('./pages/project/Environments'));
const Analytics = lazy(() => import('./pages/project/Analytics'));
const ChangeRequests = lazy(() => import('./pages/project/ChangeRequests'));
const ChangeRequestPage = lazy(() => import('./pages/project/ChangeRequestPage'));
const Schedules = lazy(() => import('./pages/project/Schedules'));
const OrgSettings = lazy(() => import('./pages/org/Settings'));
const Password = lazy(() => import('./pages/account/Password'));

const loading = (
  <Center h={200}>
    <Loader aria-label="Loading" />
  </Center>
);

export function AppRoutes() {
  return (
    <Suspense fallback={loading}>
      <Routes>
        <Route path="/signin" element={<SignIn />} />
        <Route path="/signup" element={<SignUp />} />
        <Route path="/forgot-password" element={<ForgotPassword />} />
        <Route path="/reset-password" element={<ResetPassword />} />
        <Route path="/verify-email" element={<VerifyEmail />} />
        <Route path="/signin/sso" element={<SsoSignIn />} />
        <Route path="/sso/complete" element={<SsoComplete />} />
        <Route
          path="/invitations/accept"
          element={
            <RequireSession>
              <AcceptInvitation />
            </RequireSession>
          }
        />
        <Route
          element={
            <RequireSession>
              <LiveFeed>
                <Layout />
              </LiveFeed>
            </RequireSession>
          }
        >
          <Route index element={<RootRedirect />} />
          <Route path="orgs/:org" element={<OrgHome />} />
          <Route path="orgs/:org/projects" element={<Projects />} />
          <Route path="orgs/:org/members" element={<Members />} />
          <Route path="orgs/:org/tokens" element={<Tokens />} />
          <Route path="orgs/:org/webhooks" element={<Webhooks />} />
          <Route path="orgs/:org/webhooks/:webhook" element={<WebhookPage />} />
          <Route path="orgs/:org/audit" element={<AuditLog />} />
          <Route path="orgs/:org/settings" element={<OrgSettings />} />
          <Route path="account/password" element={<Password />} />
          <Route path="orgs/:org/projects/:project" element={<ProjectHome />} />
          <Route path="orgs/:org/projects/:project/envs/:env" element={<Navigate to="flags" replace />} />
          <Route path="orgs/:org/projects/:project/envs/:env/flags" element={<Flags />} />
          <Route path="orgs/:org/projects/:project/envs/:env/flags/:flag" element={<FlagPage />} />
          <Route path="orgs/:org/projects/:project/envs/:env/segments" element={<Segments />} />
          <Route path="orgs/:org/projects/:project/envs/:env/environments" element={<Environments />} />
          <Route path="orgs/:org/projects/:project/envs/:env/analytics" element={<Analytics />} />
          <Route path="orgs/:org/projects/:project/envs/:env/requests" element={<ChangeRequests />} />
          <Route path="orgs/:org/projects/:project/envs/:env/requests/:request" element={<ChangeRequestPage />} />
          <Route path="orgs/:org/projects/:project/envs/:env/schedules" element={<Schedules />} />
          <Route path="orgs/:org/projects/:project/requests/:request" element={<RequestRedirect />} />
          <Route path="*" element={<RootRedirect />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
