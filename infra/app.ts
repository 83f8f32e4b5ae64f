import { buildApp } from './build-app.ts';

// `cdk synth` / `cdk deploy`: bundle every handler for Lambda.
buildApp({ bundling: true }).synth();
