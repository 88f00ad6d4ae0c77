#!/usr/bin/env node
/** CDK entry point (`cdk.json`: `npx tsx lib/app.ts`). */
import { createApp } from './create-app';

createApp();
