/**
 * The CRM tenant schema, described once, as data (ARCHITECTURE.md "Data at rest").
 *
 * This one description drives the tenant DDL, the demo generator, the export
 * column lists and foreign keys, restore checks and deletion. Adding an entity
 * here without covering it in the export makes the export's coverage test fail.
 */

export const TENANT_SCHEMA_VERSION = 1;

export type ColumnType =
  | 'id' // integer primary key
  | 'ref' // integer reference to another entity's id
  | 'text'
  | 'integer'
  | 'decimal' // exact decimal, stored as TEXT ("1234.50") so no float rounding
  | 'boolean' // 0/1
  | 'datetime' // ISO 8601 UTC text, e.g. 2025-06-30T02:00:00.000Z
  | 'date'; // YYYY-MM-DD

export interface ColumnDef {
  name: string;
  type: ColumnType;
  nullable?: boolean;
  /** For 'ref': the referenced entity. For polymorphic refs see `subjectOf`. */
  references?: EntityName;
  /** Allowed values for an enumerated text column. */
  enum?: readonly string[];
  /** Holds personal data of the tenant's customers (never logged). */
  personal?: boolean;
  description: string;
}

export type EntityName =
  | 'colleagues'
  | 'companies'
  | 'persons'
  | 'spaces'
  | 'opportunities'
  | 'tasks'
  | 'activities'
  | 'opportunity_lines'
  | 'files'
  | 'custom_field_definitions'
  | 'custom_field_values';

export interface EntityDef {
  name: EntityName;
  label: string;
  description: string;
  columns: readonly ColumnDef[];
  /** Whether records of this entity can carry custom ("additional") field values. */
  customFields: boolean;
  /**
   * A polymorphic pair (`<x>_type`, `<x>_id`): the type column names the entity the
   * id column points at. Exports split such tables by type so that every reference
   * is a plain foreign key.
   */
  polymorphic?: { typeColumn: string; idColumn: string; targets: readonly EntityName[] };
}

const timestamps: readonly ColumnDef[] = [
  { name: 'created_at', type: 'datetime', description: 'When the record was created (UTC).' },
  { name: 'updated_at', type: 'datetime', description: 'When the record was last changed (UTC).' },
];

export const SUBJECT_ENTITIES = ['persons', 'companies', 'opportunities', 'spaces'] as const;
export type SubjectEntity = (typeof SUBJECT_ENTITIES)[number];

export const CUSTOM_FIELD_TYPES = [
  'text',
  'long_text',
  'number',
  'money',
  'date',
  'datetime',
  'boolean',
  'select',
  'multiselect',
  'url',
  'email',
  'phone',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const ENTITIES: readonly EntityDef[] = [
  {
    name: 'colleagues',
    label: 'Colleagues',
    description: "The tenant's own users of the CRM.",
    customFields: false,
    columns: [
      { name: 'id', type: 'id', description: 'Colleague ID.' },
      { name: 'first_name', type: 'text', personal: true, description: 'First name.' },
      { name: 'last_name', type: 'text', personal: true, description: 'Last name.' },
      { name: 'email', type: 'text', personal: true, description: 'Sign-in e-mail.' },
      { name: 'role', type: 'text', enum: ['owner', 'admin', 'member', 'read_only'], description: 'Role in the CRM.' },
      { name: 'active', type: 'boolean', description: 'Whether the colleague can sign in.' },
      ...timestamps,
    ],
  },
  {
    name: 'companies',
    label: 'Companies',
    description: 'Organisations the tenant does business with.',
    customFields: true,
    columns: [
      { name: 'id', type: 'id', description: 'Company ID.' },
      { name: 'name', type: 'text', description: 'Company name.' },
      { name: 'industry', type: 'text', nullable: true, description: 'Industry.' },
      { name: 'website', type: 'text', nullable: true, description: 'Web site.' },
      { name: 'phone', type: 'text', nullable: true, personal: true, description: 'Main phone number.' },
      { name: 'email', type: 'text', nullable: true, personal: true, description: 'Main e-mail address.' },
      { name: 'street', type: 'text', nullable: true, description: 'Street address.' },
      { name: 'city', type: 'text', nullable: true, description: 'City.' },
      { name: 'postcode', type: 'text', nullable: true, description: 'Postal code (text: leading zeros kept).' },
      { name: 'country', type: 'text', nullable: true, description: 'ISO 3166-1 alpha-2 country code.' },
      { name: 'owner_colleague_id', type: 'ref', references: 'colleagues', nullable: true, description: 'Colleague who owns the company.' },
      ...timestamps,
    ],
  },
  {
    name: 'persons',
    label: 'Persons',
    description: 'Contacts (people) the tenant works with.',
    customFields: true,
    columns: [
      { name: 'id', type: 'id', description: 'Person ID.' },
      { name: 'first_name', type: 'text', personal: true, description: 'First name.' },
      { name: 'last_name', type: 'text', personal: true, description: 'Last name.' },
      { name: 'job_title', type: 'text', nullable: true, description: 'Job title.' },
      { name: 'email', type: 'text', nullable: true, personal: true, description: 'E-mail address.' },
      { name: 'phone', type: 'text', nullable: true, personal: true, description: 'Phone number.' },
      { name: 'company_id', type: 'ref', references: 'companies', nullable: true, description: 'Company the person works for.' },
      { name: 'owner_colleague_id', type: 'ref', references: 'colleagues', nullable: true, description: 'Colleague who owns the contact.' },
      ...timestamps,
    ],
  },
  {
    name: 'spaces',
    label: 'Spaces',
    description: 'Shared project spaces.',
    customFields: true,
    columns: [
      { name: 'id', type: 'id', description: 'Space ID.' },
      { name: 'name', type: 'text', description: 'Space name.' },
      { name: 'description', type: 'text', nullable: true, description: 'What the space is for.' },
      { name: 'owner_colleague_id', type: 'ref', references: 'colleagues', nullable: true, description: 'Colleague who owns the space.' },
      ...timestamps,
    ],
  },
  {
    name: 'opportunities',
    label: 'Opportunities',
    description: 'Sales opportunities (deals).',
    customFields: true,
    columns: [
      { name: 'id', type: 'id', description: 'Opportunity ID.' },
      { name: 'title', type: 'text', description: 'Title.' },
      { name: 'company_id', type: 'ref', references: 'companies', nullable: true, description: 'Company the deal is with.' },
      { name: 'person_id', type: 'ref', references: 'persons', nullable: true, description: 'Main contact.' },
      { name: 'space_id', type: 'ref', references: 'spaces', nullable: true, description: 'Space the deal belongs to.' },
      { name: 'owner_colleague_id', type: 'ref', references: 'colleagues', nullable: true, description: 'Colleague who owns the deal.' },
      { name: 'stage', type: 'text', enum: ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'], description: 'Pipeline stage.' },
      { name: 'amount', type: 'decimal', nullable: true, description: 'Expected value.' },
      { name: 'currency', type: 'text', nullable: true, description: 'ISO 4217 currency of the amount.' },
      { name: 'probability', type: 'integer', nullable: true, description: 'Win probability, percent.' },
      { name: 'expected_close_on', type: 'date', nullable: true, description: 'Expected closing date.' },
      { name: 'closed_at', type: 'datetime', nullable: true, description: 'When the deal was won or lost.' },
      ...timestamps,
    ],
  },
  {
    name: 'tasks',
    label: 'Tasks',
    description: 'To-dos, optionally about a person, company, opportunity or space.',
    customFields: false,
    columns: [
      { name: 'id', type: 'id', description: 'Task ID.' },
      { name: 'title', type: 'text', description: 'What to do.' },
      { name: 'due_at', type: 'datetime', nullable: true, description: 'Due (UTC).' },
      { name: 'done', type: 'boolean', description: 'Whether the task is done.' },
      { name: 'assignee_colleague_id', type: 'ref', references: 'colleagues', nullable: true, description: 'Colleague assigned.' },
      { name: 'person_id', type: 'ref', references: 'persons', nullable: true, description: 'Person concerned.' },
      { name: 'company_id', type: 'ref', references: 'companies', nullable: true, description: 'Company concerned.' },
      { name: 'opportunity_id', type: 'ref', references: 'opportunities', nullable: true, description: 'Opportunity concerned.' },
      { name: 'space_id', type: 'ref', references: 'spaces', nullable: true, description: 'Space concerned.' },
      ...timestamps,
    ],
  },
  {
    name: 'activities',
    label: 'History',
    description: 'Past activities (calls, meetings, e-mails, notes) of a person, company, opportunity or space.',
    customFields: false,
    polymorphic: { typeColumn: 'subject_type', idColumn: 'subject_id', targets: SUBJECT_ENTITIES },
    columns: [
      { name: 'id', type: 'id', description: 'Activity ID.' },
      { name: 'subject_type', type: 'text', enum: SUBJECT_ENTITIES, description: 'Kind of element the activity belongs to.' },
      { name: 'subject_id', type: 'ref', description: 'ID of the element the activity belongs to.' },
      { name: 'kind', type: 'text', enum: ['call', 'meeting', 'email', 'note'], description: 'Kind of activity.' },
      { name: 'occurred_at', type: 'datetime', description: 'When it happened (UTC).' },
      { name: 'colleague_id', type: 'ref', references: 'colleagues', nullable: true, description: 'Colleague who recorded it.' },
      { name: 'subject', type: 'text', description: 'Title line.' },
      { name: 'body', type: 'text', nullable: true, personal: true, description: 'Notes.' },
      ...timestamps,
    ],
  },
  {
    name: 'opportunity_lines',
    label: 'Opportunity income and expense lines',
    description: 'Income and expense lines booked against opportunities.',
    customFields: false,
    columns: [
      { name: 'id', type: 'id', description: 'Line ID.' },
      { name: 'opportunity_id', type: 'ref', references: 'opportunities', description: 'Opportunity the line belongs to.' },
      { name: 'kind', type: 'text', enum: ['income', 'expense'], description: 'Income or expense.' },
      { name: 'description', type: 'text', description: 'What the line is for.' },
      { name: 'quantity', type: 'decimal', description: 'Quantity.' },
      { name: 'unit_price', type: 'decimal', description: 'Price per unit.' },
      { name: 'amount', type: 'decimal', description: 'Quantity × unit price.' },
      { name: 'currency', type: 'text', description: 'ISO 4217 currency.' },
      { name: 'booked_on', type: 'date', description: 'Booking date.' },
      ...timestamps,
    ],
  },
  {
    name: 'files',
    label: 'Attached files',
    description: 'Files attached to a person, company, opportunity or space; bytes live in object storage.',
    customFields: false,
    polymorphic: { typeColumn: 'owner_type', idColumn: 'owner_id', targets: SUBJECT_ENTITIES },
    columns: [
      { name: 'id', type: 'id', description: 'File ID.' },
      { name: 'owner_type', type: 'text', enum: SUBJECT_ENTITIES, description: 'Kind of element the file is attached to.' },
      { name: 'owner_id', type: 'ref', description: 'ID of the element the file is attached to.' },
      { name: 'name', type: 'text', description: 'Original file name as uploaded (may be hostile: never used as a path).' },
      { name: 'mime', type: 'text', description: 'MIME type.' },
      { name: 'size', type: 'integer', description: 'Size in bytes.' },
      { name: 'sha256', type: 'text', description: 'SHA-256 of the bytes, hex.' },
      { name: 'object_key', type: 'text', description: 'Key of the bytes in object storage.' },
      { name: 'uploaded_by_colleague_id', type: 'ref', references: 'colleagues', nullable: true, description: 'Colleague who uploaded it.' },
      ...timestamps,
    ],
  },
  {
    name: 'custom_field_definitions',
    label: 'Custom field definitions',
    description: 'Additional fields the tenant defined on persons, companies, opportunities or spaces.',
    customFields: false,
    columns: [
      { name: 'id', type: 'id', description: 'Field ID.' },
      { name: 'entity', type: 'text', enum: SUBJECT_ENTITIES, description: 'Entity the field belongs to.' },
      { name: 'key', type: 'text', description: 'Stable machine name, unique per entity.' },
      { name: 'label', type: 'text', description: 'Label shown in the CRM.' },
      { name: 'field_type', type: 'text', enum: CUSTOM_FIELD_TYPES, description: 'Value type.' },
      { name: 'options', type: 'text', nullable: true, description: 'JSON array of allowed values (select, multiselect).' },
      { name: 'position', type: 'integer', description: 'Display order.' },
      ...timestamps,
    ],
  },
  {
    name: 'custom_field_values',
    label: 'Custom field values',
    description: 'Values of custom fields; exported as extra columns of their entity.',
    customFields: false,
    columns: [
      { name: 'id', type: 'id', description: 'Value ID.' },
      { name: 'field_id', type: 'ref', references: 'custom_field_definitions', description: 'Field the value is for.' },
      { name: 'record_id', type: 'ref', description: 'ID of the record (in the field definition\'s entity).' },
      { name: 'value', type: 'text', nullable: true, description: 'The value, as text (JSON array for multiselect).' },
      ...timestamps,
    ],
  },
];

export function entity(name: EntityName): EntityDef {
  const e = ENTITIES.find((x) => x.name === name);
  if (!e) throw new Error(`unknown entity ${name}`);
  return e;
}

/** Dependency order: parents before children (used for restore, seeding, deletion in reverse). */
export const ENTITY_ORDER: readonly EntityName[] = [
  'colleagues',
  'companies',
  'persons',
  'spaces',
  'opportunities',
  'tasks',
  'activities',
  'opportunity_lines',
  'files',
  'custom_field_definitions',
  'custom_field_values',
];
