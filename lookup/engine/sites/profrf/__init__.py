"""The Chinese-VIN fallback site (китайавто.рус)."""

from lookup.engine.sites.profrf.site import SOURCE, lookup

__all__ = ['SOURCE', 'lookup']
