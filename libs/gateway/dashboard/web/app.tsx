import { useEffect, useState } from 'preact/hooks';
import type { SessionView } from '../dashboard.view';
import { ApiError, currentSession, signIn, signOut } from './api';
import { ago } from './format';
import { Instances } from './instances';
import { useLive } from './live';
import { Resilience } from './resilience';
import { Topology } from './topology';
import { Traces } from './traces';
import { Traffic } from './traffic';

type Access = { state: 'checking' } | { state: 'signed-out'; message?: string } | { state: 'forbidden' } | { state: 'off'; message: string } | { state: 'in'; session: SessionView };

/** Who may look decides what shows: the sign-in form, "administrators only", or the dashboard. */
export function App() {
  const [access, setAccess] = useState<Access>({ state: 'checking' });
  const check = () =>
    currentSession().then(
      (session) => setAccess({ state: 'in', session }),
      (error: unknown) => {
        const status = error instanceof ApiError ? error.status : 0;
        if (status === 403) setAccess({ state: 'forbidden' });
        else if (status === 404) setAccess({ state: 'off', message: (error as Error).message });
        else setAccess({ state: 'signed-out', message: status === 401 ? undefined : (error as Error).message });
      },
    );
  useEffect(() => void check(), []);
  const leave = () => signOut().finally(() => setAccess({ state: 'signed-out' }));
  switch (access.state) {
    case 'checking':
      return <p class="boot">Loading the dashboard…</p>;
    case 'off':
      return <Notice title="The dashboard is off">{access.message}</Notice>;
    case 'forbidden':
      return (
        <Notice title="Administrators only">
          The dashboard shows the inside of the system: sign in as an administrator. <button onClick={leave}>Sign out</button>
        </Notice>
      );
    case 'signed-out':
      return <SignIn message={access.message} onSignedIn={(session) => setAccess({ state: 'in', session })} onForbidden={() => setAccess({ state: 'forbidden' })} />;
    case 'in':
      return <Dashboard session={access.session} onSignOut={leave} onEnded={check} />;
  }
}

function Notice({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return (
    <section class="notice">
      <h1>{title}</h1>
      <p>{children}</p>
    </section>
  );
}

function SignIn({ message, onSignedIn, onForbidden }: { message?: string; onSignedIn: (s: SessionView) => void; onForbidden: () => void }) {
  const [error, setError] = useState(message);
  const [busy, setBusy] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    signIn(String(form.get('email')), String(form.get('password'))).then(onSignedIn, (e: unknown) => {
      setBusy(false);
      if (e instanceof ApiError && e.status === 403) onForbidden();
      else setError((e as Error).message);
    });
  };
  return (
    <form class="sign-in notice" onSubmit={submit}>
      <h1>Cleave dashboard</h1>
      <p class="muted">Sign in as an administrator.</p>
      <label>
        email <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        password <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && <p class="error">{error}</p>}
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

function Dashboard({ session, onSignOut, onEnded }: { session: SessionView; onSignOut: () => void; onEnded: () => void }) {
  const live = useLive(onEnded);
  const view = live.view;
  const now = view?.at ?? Date.now();
  return (
    <div class="dashboard">
      <header class="top">
        <h1>Cleave</h1>
        {view && (
          <>
            <span class={`pill status ${view.status}`} data-status={view.status}>
              {view.status}
            </span>
            <span class="muted">
              topology <b>{view.topology.name}</b> · {view.topology.processes.length} processes · {view.instances.filter((i) => i.state !== 'gone').length} instances
            </span>
          </>
        )}
        <span class={`connection ${live.connection}`} data-connection={live.connection}>
          {live.connection === 'live' && view ? `live · ${ago(view.at, Date.now())}` : live.connection}
        </span>
        <nav>
          <a href="#topology">topology</a> <a href="#instances">instances</a> <a href="#traffic">traffic</a> <a href="#resilience">resilience</a> <a href="#traces">traces</a>
        </nav>
        <span class="user muted">
          admin {session.user.id.slice(0, 8)} <button onClick={onSignOut}>Sign out</button>
        </span>
      </header>
      {!view && <p class="boot">Waiting for the first sample…</p>}
      {view && (
        <>
          {view.unreadable.length > 0 && (
            <p class="error">
              Metrics not read from {view.unreadable.map((u) => `${u.instanceId} (${u.message})`).join(', ')}
            </p>
          )}
          <section id="topology" class="panel wide">
            <h2>Topology</h2>
            <Topology view={view} />
          </section>
          <section id="instances" class="panel wide">
            <h2>Instances</h2>
            <Instances instances={view.instances} now={now} />
          </section>
          <section id="traffic" class="panel">
            <h2>Traffic</h2>
            <Traffic series={live.series} windowMs={view.windowMs} at={view.at} />
          </section>
          <section id="resilience" class="panel">
            <h2>Resilience and events</h2>
            <Resilience resilience={view.resilience} />
          </section>
          <section id="traces" class="panel wide">
            <h2>Traces</h2>
            <Traces />
          </section>
        </>
      )}
    </div>
  );
}
