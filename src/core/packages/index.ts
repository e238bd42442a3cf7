/** Signed packages: everything the service uses, loaded on first use (keeps start-up light for the other calls). */
export { exportRevision, createFromInput } from './export';
export { importPackages, expandInputs } from './importer';
export { fingerprintOf } from './keys';
export { chooseSigningKey, createSigningKey, listSigningKeys, publicKeyFile, trustAdd, trustList, trustLookup, trustRevoke, unsealKey } from './trust';
export { verifyPackage } from './verify';
export { createReview } from './review';
