/** The deterministic demo fleet (CONVENTIONS.md §11): same seed, same fleet. */
export { generateFleet, generateTenant, type GenerateFleetOptions, type GenerateTenantOptions } from './fleet.generator';
export { demoCatalogueOnly, demoTenantId, demoTenantName, demoTenantSlug, tenantProfile, DEMO_TRAPS, DPA_VERSIONS, type TenantProfile } from './tenant-profile';
export { tenantShape, type DemoSize, type TenantShape } from './tenant-rows.generator';
export { HOSTILE_FILE_NAMES, HOSTILE_COMPANY_NAMES, HOSTILE_PERSONS, HOSTILE_NOTES, HOSTILE_FIELD_TEXTS, LONG_NOTE } from './hostile-cases';
export { Prng, prngBytes } from './prng';
