from .exchange import views as exchange
from .outputs import views as outputs
from .search import views as search
from .views import assist, codebook, codebook_delete, coding, sources, studies

app_name = "insight"
# Each area keeps its own routes beside its views (all under /insight/).
urlpatterns = [
    *studies.urls,
    *sources.urls,
    *coding.urls,
    *codebook.urls,
    *codebook_delete.urls,
    *outputs.urls,
    *exchange.urls,
    *search.urls,
    *assist.urls,
]
