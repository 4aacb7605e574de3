import { agentVersion } from '../cli/version.js';

/** Where the agent's image is published; the image build (tools) pushes to the same name. */
export const AGENT_IMAGE_REPOSITORY = 'ghcr.io/kcp-tmc/syncer-agent';

/** The default image of the rendered Deployment: the repository tagged with this package's version. */
export function agentImage(version: string = agentVersion()): string {
  return `${AGENT_IMAGE_REPOSITORY}:${version}`;
}
