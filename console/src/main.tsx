/**
 * The console's entry: reads `/config.json` (the API's URL and how to sign in, written per
 * deployment), then renders the app.
 */
import { render } from 'preact';
import { App } from './app';
import type { ConsoleConfig } from './contracts';
import './styles.css';

async function start(root: HTMLElement): Promise<void> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
    const config = (await response.json()) as ConsoleConfig;
    root.textContent = '';
    render(<App config={config} />, root);
  } catch (error) {
    root.innerHTML = '';
    const alert = document.createElement('p');
    alert.setAttribute('role', 'alert');
    alert.className = 'alert';
    alert.textContent = `The console could not start: ${(error as Error).message}`;
    root.append(alert);
  }
}

void start(document.getElementById('app')!);
