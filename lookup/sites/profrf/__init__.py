"""The Chinese-VIN fallback site (китайавто.рус)."""

from lookup.sites.profrf.site import SOURCE, lookup

__all__ = ['SOURCE', 'lookup']
