/**
 * Spec hashes users already have in their locks. A change that alters one of these makes every
 * user with such a shot pay to regenerate it: never update a value here to make a test pass.
 * The manifests are frozen copies (examples evolve; these must not), recorded before provider
 * types became modules (issue 8). Shots on openai-videos name base_url and model explicitly,
 * which is what the defaults used to supply.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../src/manifest/load.js';

const DIR = path.join(import.meta.dirname, 'fixtures', 'pinned');

const PINNED: Record<string, Record<string, string>> = {
  'quickstart': {
    'coastal-city': 'sha256:7183f5eafeb441576634a627b5504be0424c0fb116ee4310b590b864633bfaa2',
    'product-spin': 'sha256:abed37dbb8bea9bf9b8bebe6862844b053cb922c1608fb2bc00015e56591ee45',
    'park-walk': 'sha256:d54aacd3867769f4d19f4372be2710a8b073ea2ba5b573f3ac8f049703193675',
    'cafe-vertical': 'sha256:07731e86b8ba4196aeafbc28eb1b4227741a5d3b1d2241741dc14cd42cad1adb',
    'abstract-loop': 'sha256:aaef28f7e25bf1f870e1f58c9fbe5baab2245f4f66a91c02e18a046e0601ba92'
  },
  'heygen': {
    'coastal-city': 'sha256:531bb300aabd9056a67792548cd716cc56b6c46ac67383ccc88492be4746fca2',
    'product-spin': 'sha256:6ed3c4e6dab9e26981e52d3ff9826420e82feedbf9d1081fb7fe9bfe2e444d10',
    'product-reveal': 'sha256:1273f663b3d5ef410ab79304ea635353571ff978d0ebaab27c7863e5c7e08dcd',
    'cafe-vertical': 'sha256:c07a79908d078f47fd73bbadc5242ae8fe4156a870b698b73eee61c11fc7b63f',
    'abstract-fast': 'sha256:7b4e285cedb549563fa4ffa1a0b1315c40010f5578f3d3e6246eb8e743b509e9'
  },
  'openai-compatible': {
    'cat-yarn': 'sha256:b89936e647a3a85b883301bb7a1b71b5e5d3b0ae286f044be17e38450a7bebcd',
    'scene-comes-alive': 'sha256:76ba430b55e397bdeaf4a49f26bf139229aaaee1b90e679e851f32e453aa3ec0',
    'product-sora': 'sha256:543a9c9b12d9a4796f133c8dd8c3e4bc233edd9a8e6db71eba14597cd17c880f',
    'product-sora-pro': 'sha256:239e3ffee10067f5e93df78497ebe85d08c2b5f49e472a80f4fd0ce4afb1c726'
  },
  'edge-cases': {
    'hg-defaults': 'sha256:69bddeb006ff4cd0808fbf9fb6209bb4671ec7a36cee599912f8c4f860d847d1',
    'hg-explicit-defaults': 'sha256:69bddeb006ff4cd0808fbf9fb6209bb4671ec7a36cee599912f8c4f860d847d1',
    'hg-block-prompt': 'sha256:69bddeb006ff4cd0808fbf9fb6209bb4671ec7a36cee599912f8c4f860d847d1',
    'hg-options': 'sha256:55463f3080cae113cdb2ae23c6d79aaa233d013eb798c91668c140c3aadf2499',
    'hg-images': 'sha256:5df2b687e6985cd29f2cb7872d4519a6be4b0d3ba5305a25a2df0ade07c530be',
    'hg-eu': 'sha256:4abe3ceb62ea2e738c3ba4bd7cd5c3b332866852f6256d7f8c2ef1741e64c2e4',
    'hg-emu': 'sha256:dbaa49a64b3f2ce0500e2b0836b7db321ea9750e4e19145cd516a7e9b91782d8',
    'oa-sora': 'sha256:78081f824811a5564b43ebfa9c7c4505d057301aabcf2b57c769807db2fbfd3a',
    'oa-ratio': 'sha256:43fc6d33e1bd3be82c1390cefcf94d69da3ab3e90c04886e4ce2ade647af1cdf',
    'oa-size': 'sha256:f92a85fd2077f3fa025d2213aa9283b817fad23077d84591d835e803b46e974b',
    'hx-image': 'sha256:ba6ad0492ff04430586a45e63fc65d2f0725b90e5c7881d8e757cacdee0dfdf6',
    'hx-url': 'sha256:a1efb2f9c9e82e41102eded9e5ef067b800003c0005cede9ed4172eb91d9f576',
    'oa-emu': 'sha256:69da1bd71280dd76fe676c20385129c183734d1e97aabb9f45ebf5699d06fcd6'
  }
};

describe('spec hashes recorded by earlier versions', () => {
  for (const [file, hashes] of Object.entries(PINNED)) {
    it(`are unchanged for ${file}.yaml`, async () => {
      const manifest = await loadManifest(path.join(DIR, `${file}.yaml`));
      expect(Object.fromEntries(manifest.shots.map((shot) => [shot.id, shot.specHash]))).toEqual(hashes);
    });
  }
});
