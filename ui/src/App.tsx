import { Suspense, lazy, useEffect, useState } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { ExplorePage } from './pages/Explore';
import { TracePage } from './pages/Trace';
import { TriagePage } from './pages/Triage';
import { ChangesPage } from './pages/Changes';
import { SlosPage } from './pages/Slos';
import { TracesPage } from './pages/Traces';
import { Loading } from './components/State';

// cytoscape is half of the app's code: load it with the map only.
const MapPage = lazy(() => import('./pages/Map').then((m) => ({ default: m.MapPage })));

type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('sextant.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('sextant.theme', theme);
  }, [theme]);
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand" aria-label="Sextant">
          ◭ Sextant
        </span>
        <nav aria-label="Pages">
          <NavLink to="/explore">Explore</NavLink>
          <NavLink to="/traces">Traces</NavLink>
          <NavLink to="/map">Map</NavLink>
          <NavLink to="/triage">Triage</NavLink>
          <NavLink to="/slos">SLOs</NavLink>
          <NavLink to="/changes">Changes &amp; health</NavLink>
        </nav>
        <button
          type="button"
          className="ghost theme"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Navigate to="/explore" replace />} />
          <Route path="/explore" element={<ExplorePage />} />
          <Route path="/traces" element={<TracesPage />} />
          <Route path="/trace/:id" element={<TracePage />} />
          <Route
            path="/map"
            element={
              <Suspense fallback={<Loading what="the map" />}>
                <MapPage />
              </Suspense>
            }
          />
          <Route path="/triage" element={<TriagePage />} />
          <Route path="/slos" element={<SlosPage />} />
          <Route path="/changes" element={<ChangesPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <div className="state empty" role="status">
      <h2>No such page</h2>
      <p>
        Try <NavLink to="/explore">Explore</NavLink> or the <NavLink to="/map">map</NavLink>.
      </p>
    </div>
  );
}
