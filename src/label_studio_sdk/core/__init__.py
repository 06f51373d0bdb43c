"""Hand-written runtime shared by every generated client: HTTP, retries, auth, paging, errors.

Nothing in this package is generated. It imports httpx but not pydantic, so that
``from label_studio_sdk import LabelStudio`` stays cheap; pydantic loads with the first response.
"""
