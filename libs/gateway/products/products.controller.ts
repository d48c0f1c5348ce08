import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { CatalogClient, ProductPage, ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { CreateProductDto, ListProductsQueryDto } from './products.dto';

@Controller('products')
export class ProductsController {
  constructor(private readonly catalog: CatalogClient) {}

  @Post()
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Roles('admin')
  create(@Body() body: CreateProductDto): Promise<ProductView> {
    return this.catalog.createProduct({ ...body });
  }

  @Get()
  list(@Query() query: ListProductsQueryDto): Promise<ProductPage> {
    return this.catalog.listProducts({ limit: query.limit, offset: query.offset });
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ProductView> {
    return this.catalog.getProduct({ id });
  }
}
