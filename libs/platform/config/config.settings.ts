import { defineSettings } from './settings-group';
import { setting } from './setting';

/** Where the settings come from, and whether a process follows its files while running. */
export class ConfigSettings extends defineSettings('config', 'Configuration sources', {
  nodeEnv: setting.string('NODE_ENV', {
    default: 'development',
    doc: 'picks `config/<NODE_ENV>.env`; `production` also turns on the production defaults and checks',
  }),
  configDir: setting.string('CLEAVE_CONFIG_DIR', {
    default: 'config',
    doc: 'where the topology files, `resilience.json` and the `<NODE_ENV>.env` files are (set it in the environment or `.env`)',
  }),
  watch: setting.boolean('CLEAVE_CONFIG_WATCH', {
    default: true,
    doc: 'reload when `.env`, `config/<NODE_ENV>.env` or `config/resilience.json` changes',
  }),
}) {
  get production(): boolean {
    return this.nodeEnv === 'production';
  }
}
