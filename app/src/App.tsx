/**
 * The app shell: header (model name, share link), the tab list and the tab panels. The Model,
 * Run, Therapies and Files panels stay mounted (their state survives tab switches); the Network
 * and Space views mount when their tab is open.
 */
import { useState } from 'preact/hooks';
import { knowledgeBase } from './core.js';
import { useApp, type AppState } from './state/useApp.js';
import { useFrame } from './state/useRun.js';
import { TabPanel, Tabs, type TabSpec } from './views/common/Tabs.js';
import { FilesView } from './views/files/FilesView.js';
import { ModelView } from './views/model/ModelView.js';
import { RunView } from './views/run/RunView.js';
import { TherapiesView } from './views/therapies/TherapiesView.js';
import { NetworkView } from './views/network/NetworkView.js';
import { SpaceView } from './views/space/SpaceView.js';

const TABS: TabSpec[] = [
  { id: 'model', label: 'Model' },
  { id: 'network', label: 'Network' },
  { id: 'run', label: 'Run' },
  { id: 'space', label: 'Space' },
  { id: 'therapies', label: 'Therapies' },
  { id: 'files', label: 'Files' },
];

/** The Space tab: re-renders with each frame without re-rendering the rest of the app. */
function SpaceTab({ app }: { app: AppState }) {
  const frame = useFrame(app.client);
  return (
    <>
      {app.options.engine !== 'abm' && !frame && <p class="muted">The Space view shows the spatial engine: choose "spatial 2D" on the Run tab and press Run.</p>}
      <SpaceView frame={frame} substrate={app.substrate} onSubstrateChange={app.setSubstrate} />
    </>
  );
}

/** Copies the share link and says so. */
function ShareButton({ app }: { app: AppState }) {
  const [said, setSaid] = useState('');
  const onClick = async () => {
    const url = await app.shareLink();
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      copied = false;
    }
    setSaid(copied ? 'Link copied.' : 'Link in the address bar.');
    setTimeout(() => setSaid(''), 4000);
  };
  return (
    <span class="share">
      <button type="button" data-testid="share-link" onClick={() => void onClick()} title="Copy a link that restores the model, parameters, engine, seed, end time and arms">
        Share link
      </button>
      <span class="small" role="status" aria-live="polite">
        {said}
      </span>
    </span>
  );
}

/** The app. */
export function App() {
  const app = useApp();
  const { tab, current } = app;
  const title = current.kind === 'sbml' ? (current.doc.name ?? current.doc.id ?? current.file) : current.loaded.model.title || current.loaded.model.name;
  const keep = (id: string) => (
    <div hidden={tab !== id} key={id}>
      <TabPanel id={id}>
        {id === 'model' && <ModelView app={app} />}
        {id === 'run' && <RunView app={app} />}
        {id === 'therapies' && <TherapiesView app={app} />}
        {id === 'files' && <FilesView app={app} />}
      </TabPanel>
    </div>
  );
  return (
    <div class="app">
      <header class="app-header">
        <h1>
          nichesim <span class="model-name">· {title}</span>
        </h1>
        {app.notice && (
          <span class={`small notice ${app.notice.kind}`} role="status" data-testid="notice">
            {app.notice.text}
            <button type="button" class="notice-close" aria-label="Dismiss the notice" onClick={() => app.setNotice(null)}>
              ×
            </button>
          </span>
        )}
        <ShareButton app={app} />
      </header>
      <nav>
        <Tabs tabs={TABS} selected={tab} onSelect={app.setTab} label="Views" />
      </nav>
      <main>
        {keep('model')}
        {tab === 'network' && (
          <TabPanel id="network">
            <NetworkView kb={knowledgeBase()} />
          </TabPanel>
        )}
        {keep('run')}
        {tab === 'space' && (
          <TabPanel id="space">
            <SpaceTab app={app} />
          </TabPanel>
        )}
        {keep('therapies')}
        {keep('files')}
      </main>
    </div>
  );
}
