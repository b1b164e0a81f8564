/**
 * Entry point of the browser app: renders the shell into #app.
 */
import { render } from 'preact';
import { App } from './App.js';
import './styles.css';

render(<App />, document.getElementById('app')!);
