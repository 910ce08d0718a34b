"""Each user's portal language, remembered server-side (the gateway's ``portal_preferences``)."""

from __future__ import annotations

from fastapi import FastAPI

from gateway.portal.i18n import normalize
from gateway.portal.models import PortalPreference


async def language_of(app: FastAPI, user_id: str) -> str | None:
    async with app.state.ctx.db.sessions() as session:
        pref = await session.get(PortalPreference, user_id)
        return pref.language if pref else None


async def set_language(app: FastAPI, user_id: str, language: str) -> str:
    language = normalize(language)
    async with app.state.ctx.db.sessions() as session:
        pref = await session.get(PortalPreference, user_id)
        if pref is None:
            session.add(PortalPreference(user_id=user_id, language=language))
        else:
            pref.language = language
        await session.commit()
    return language
