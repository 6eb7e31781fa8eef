-- The curation log also records that a name is not a person ('not_person') and its undoing ('person').
ALTER TABLE curation DROP CONSTRAINT curation_action_check;
ALTER TABLE curation ADD CONSTRAINT curation_action_check
    CHECK (action IN ('merge', 'split', 'not_person', 'person'));
