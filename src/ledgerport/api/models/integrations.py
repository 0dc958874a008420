from __future__ import annotations

from pydantic import BaseModel

from ledgerport.api.models.common import PagingInfo
from ledgerport.domain.enums import FeatureState, FeatureType, SourceType


class SupportedFeature(BaseModel):
    featureType: FeatureType
    featureState: FeatureState


class DataTypeFeature(BaseModel):
    dataType: str
    supportedFeatures: list[SupportedFeature]


class Integration(BaseModel):
    key: str
    name: str
    logoUrl: str
    enabled: bool
    sourceId: str
    sourceType: SourceType
    integrationId: str
    isOfflineConnector: bool
    isBeta: bool
    dataProvidedBy: str
    datatypeFeatures: list[DataTypeFeature]


class Integrations(PagingInfo):
    results: list[Integration]


class ImageReference(BaseModel):
    src: str
    alt: str


class BrandingImage(BaseModel):
    image: ImageReference


class BrandingLogo(BaseModel):
    full: BrandingImage
    square: BrandingImage


class BrandingButton(BaseModel):
    default: BrandingImage
    hover: BrandingImage


class Branding(BaseModel):
    logo: BrandingLogo
    button: BrandingButton
    sourceId: str
